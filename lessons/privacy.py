"""What the lessons app holds about a person (testimonials arrive with the lessons issue)."""

ERASURE_SUMMARY = []


def export_user_data(user):
    return {}


def erase_user_data(user):
    pass
