"""Words for "online" in the site's languages, so a search typed as a person says it finds online
groups: "online" or "virtual" in English, "en línea", "virtual" or "por internet" in Spanish. Accents
and case do not matter ("en linea", "EN LÍNEA")."""

import re
import unicodedata

# Folded (see fold): lower case, no accents, one space between words. The place box matches the whole
# of what was typed; the words box finds them among other words.
ONLINE_PHRASES = (
    # English
    "online", "online group", "online groups", "online meeting", "online meetings", "on line", "internet",
    "virtual", "virtual group", "virtual groups", "virtual meeting", "virtual meetings", "remote", "video",
    "video call", "zoom", "zoom meeting", "zoom meetings", "teams", "google meet", "skype", "web", "from home",
    "anywhere",
    # Spanish
    "en linea", "virtual en linea", "grupos en linea", "grupo en linea", "por internet", "a distancia",
    "videollamada", "desde casa",
)  # fmt: skip


def fold(text):
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.split(r"[\W_]+", plain)).strip()


def asks_for_online(text):
    """True when the whole of `text` is a way of saying "online" (typed in the place box)."""
    return fold(text) in ONLINE_PHRASES


def take_online(text):
    """(the other words as typed, True) when `text` contains a way of saying "online", else (text, False)."""
    words = (text or "").split()
    folded = [fold(word) for word in words]
    for phrase in ONLINE_PHRASES:
        size = len(phrase.split())
        for start in range(len(words) - size + 1):
            if " ".join(folded[start : start + size]) == phrase:
                return " ".join(words[:start] + words[start + size :]), True
    return text, False
