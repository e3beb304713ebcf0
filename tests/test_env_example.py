import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_env_example_lists_every_variable_the_settings_read():
    settings = (ROOT / "dbtselfhelp" / "settings.py").read_text()
    read = set(re.findall(r'env(?:_bool|_int|_list)?\("([A-Z_]+)"', settings))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - listed == set()
