"""The import contracts cover every screen: a new blueprint cannot slip past `make lint` unprotected."""
import configparser
import sys

from config import BASE_DIR


def contract(name):
    config = configparser.ConfigParser()
    config.read(BASE_DIR / ".importlinter")
    return config[f"importlinter:contract:{name}"]


def modules(section, key):
    return {line.strip() for line in section[key].splitlines() if line.strip()}


def covered(module, packages):
    return any(module == package or module.startswith(package + ".") for package in packages)


def test_every_blueprint_is_a_screen_or_the_api_that_only_webapp_blueprints_may_import(app):
    screens = contract("screens-and-api")
    protected = modules(screens, "protected_modules")
    assert modules(screens, "allowed_importers") == {"webapp.blueprints"}
    ours = [bp for bp in app.blueprints.values() if bp.import_name.startswith("webapp.")]  # not flask-smorest's
    assert len(ours) > 12
    for blueprint in ours:
        module = sys.modules[blueprint.import_name].__name__
        assert covered(module, protected), f"{blueprint.name} ({module}) is not in the screens-and-api contract"


def test_the_worker_may_import_none_of_the_screens():
    forbidden = modules(contract("worker"), "forbidden_modules")
    assert modules(contract("screens-and-api"), "protected_modules") <= forbidden
