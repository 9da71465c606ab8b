"""The app factory: settings come in layers and the secret key is generated, never committed."""

from registry import create_app
from registry.config import load_or_create_secret_key, sqlalchemy_url


def test_test_config_wins_over_defaults(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/a.db", "MEDIA_DIR": str(tmp_path), "SECRET_KEY": "x"})
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/a.db"
    assert app.config["MEDIA_DIR"] == str(tmp_path)


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("REGISTRY_MEDIA_DIR", str(tmp_path / "m"))
    monkeypatch.setenv("REGISTRY_SECRET_KEY", "from-env")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"
    assert app.config["MEDIA_DIR"] == str(tmp_path / "m")
    assert app.config["SECRET_KEY"] == "from-env"


def test_secret_key_is_generated_once_and_private(tmp_path):
    first = load_or_create_secret_key(str(tmp_path))
    assert len(first) == 64
    assert load_or_create_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_postgres_urls_use_psycopg3():
    assert sqlalchemy_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert sqlalchemy_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert sqlalchemy_url("sqlite:///x") == "sqlite:///x"
