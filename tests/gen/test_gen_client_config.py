"""What the configuration tells the generated clients: environment variables read in order,
the log switch, the User-Agent; malformed settings refused by name."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest
from _gen_helpers import generate_spec, import_package, spec

from sdkcore.gen import GenerationError, generate

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from types import ModuleType

    from sdkcore.testing import LoopbackServer

pytestmark = pytest.mark.anyio

PET = {"id": "p1", "name": "Rex", "createdAt": "2024-01-02T03:04:05Z", "kind": "dog", "tag": None}
CONFIG = """\
client_name: Pets
version: 2.0.0
user_agent: pets-python
env:
  api_key: [PETS_API_KEY, OTHER_API_KEY]
  base_url: [PETS_BASE_URL, OTHER_BASE_URL]
  log: PETS_LOG
"""
_VARIABLES = ("PETS_API_KEY", "OTHER_API_KEY", "PETS_BASE_URL", "OTHER_BASE_URL")


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``basic.yaml`` generated with `CONFIG` as the package ``pets``; its directory."""
    out = tmp_path_factory.mktemp("configured")
    config = out / "pets.sdkcore.yaml"
    config.write_text(CONFIG)
    generate_spec("basic.yaml", out, package="pets", config=config)
    return out


@pytest.fixture
def pets(configured: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return import_package(configured, "pets")


def test_the_configured_key_variables_are_read_in_order_and_the_first_set_wins(
    pets: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTHER_API_KEY", "sk-other")
    assert pets.Pets().api_key == "sk-other"
    monkeypatch.setenv("PETS_API_KEY", "sk-pets")
    assert pets.Pets().api_key == "sk-pets"
    monkeypatch.setenv("PETS_API_KEY", "")  # set but empty: not a key, the next one is read
    assert pets.AsyncPets().api_key == "sk-other"


def test_without_any_configured_key_the_error_names_every_variable(
    pets: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(pets.PetsError, match=r"PETS_API_KEY \(else OTHER_API_KEY\)"):
        pets.Pets()
    monkeypatch.setenv("BASIC_API_KEY", "sk-default-name")  # not read: the configuration wins
    with pytest.raises(pets.PetsError):
        pets.AsyncPets()


def test_the_configured_base_url_variables_are_read_in_order(
    server: LoopbackServer, pets: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PETS_API_KEY", "sk-test")
    with pets.Pets() as client:
        assert str(client.base_url) == "https://pets.example.com/v1/"  # the document's server
    monkeypatch.setenv("OTHER_BASE_URL", server.url_for("/v1"))
    server.route("POST", "/v1/adoptions", json=PET)
    with pets.Pets() as client:
        assert client.adoptions.create(name="Rex").id == "p1"
    monkeypatch.setenv("PETS_BASE_URL", "http://127.0.0.1:1/first")
    with pets.Pets() as client:
        assert str(client.base_url) == "http://127.0.0.1:1/first/"


def test_the_user_agent_names_the_configured_product_and_version(
    server: LoopbackServer, pets: ModuleType
) -> None:
    server.route("POST", "/v1/adoptions", json=PET)
    with pets.Pets(api_key="sk-test", base_url=server.url_for("/v1")) as client:
        client.adoptions.create(name="Rex")
    assert server.requests[-1].headers["user-agent"].startswith("pets-python/2.0.0 sdkcore/")
    assert pets.__version__ == "2.0.0"


def test_the_configured_log_variable_turns_on_sdkcore_s_log(configured: Path) -> None:
    # Each variable is read once per process: a fresh one sees it as a user's shell would.
    script = textwrap.dedent(
        f"""
        import logging, sys
        sys.path.insert(0, {str(configured)!r})
        import pets
        assert pets.Pets._log_env_var == pets._client.LOG_ENV == "PETS_LOG"
        pets.Pets(api_key="sk-test")
        print(logging.getLogger("sdkcore").getEffectiveLevel())
        """
    )
    env = {"PATH": "/usr/bin:/bin", "PETS_LOG": "debug"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "10"  # logging.DEBUG


def test_an_unconfigured_client_reads_only_the_variables_named_after_it(
    sdk: Callable[[str], ModuleType],
) -> None:
    basic = sdk("basic.yaml")
    assert basic._client.API_KEY_ENV == ("BASIC_API_KEY",)
    assert basic._client.BASE_URL_ENV == ("BASIC_BASE_URL",)
    assert basic.Basic._log_env_var is None
    assert basic.Basic._user_agent == "basic-python/0.1.0"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("env: {api_key: []}", "env.api_key must be a variable name"),
        ("env: {base_url: [OK, 'not a name']}", "env.base_url must be a variable name"),
        ("env: {log: [A, B]}", "env.log must be a string"),
        ("env: {home: X}", "unknown key 'home' in env"),
        ("user_agent: two words", "user_agent must be one product token"),
    ],
)
def test_a_malformed_environment_or_user_agent_setting_is_refused_by_name(
    tmp_path: Path, text: str, message: str
) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(text + "\n")
    with pytest.raises(GenerationError, match=message):
        generate(spec("basic.yaml"), package="bad", out=tmp_path, config_path=config)


def test_the_error_class_says_an_before_a_vowel(tmp_path: Path) -> None:
    generated = generate_spec("basic.yaml", tmp_path, package="acme", client_name="Acme")
    client = (generated.path / "_client.py").read_text()
    assert '"""An Acme client was misconfigured (no API key anywhere)."""' in client
