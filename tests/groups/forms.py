"""POST data for the listing form, as a browser would send it."""


def listing_data(meetings=None, **overrides):
    data = {
        "group-name": "Morningside Skills Group",
        "group-description": "A friendly group.\n\nWe practise a skill each week.",
        "group-format": "in_person",
        "group-language": "en",
        "group-module": "",
        "group-contact_name": "Fran",
        "group-location_privacy": "public",
        "group-venue": "Community Room",
        "group-address": "2900 Broadway",
        "group-town": "New York",
        "group-region": "NY",
        "group-postal_code": "10027",
        "group-country": "US",
        "group-latitude": "",
        "group-longitude": "",
        "group-meeting_url": "",
        "group-time_zone": "",
        "group-accepting_new_members": "on",
        "group-capacity": "12",
        "group-accessibility_notes": "",
    }
    meetings = meetings if meetings is not None else [{"weekday": "2", "start": "18:30", "end": "20:00"}]
    data.update(
        {
            "meetings-TOTAL_FORMS": str(len(meetings)),
            "meetings-INITIAL_FORMS": "0",
            "meetings-MIN_NUM_FORMS": "1",
            "meetings-MAX_NUM_FORMS": "7",
        }
    )
    for i, meeting in enumerate(meetings):
        row = {"recurrence": "weekly", "starts_on": "", "week_of_month": "", **meeting}
        for key, value in row.items():
            data[f"meetings-{i}-{key}"] = value
    for key, value in overrides.items():
        data[f"group-{key}"] = value
    return data
