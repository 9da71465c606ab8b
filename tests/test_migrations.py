"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from registry import create_app
from registry.extensions import db


def test_migrations_on_an_empty_database_match_the_models(app_config):
    from tests.conftest import reset_postgres_schema

    app = create_app(app_config)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            reset_postgres_schema()
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            tables = set(inspect(connection).get_table_names())
        assert differences == []
        assert {"object_records", "photos", "record_changes", "institutions", "alembic_version"} <= tables
        if db.engine.dialect.name == "postgresql":
            reset_postgres_schema()
        db.engine.dispose()
