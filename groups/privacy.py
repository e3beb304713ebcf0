"""What the groups app holds about a person (groups and join requests arrive with their issues)."""

ERASURE_SUMMARY = []


def export_user_data(user):
    return {}


def erase_user_data(user):
    pass
