"""SQL tables and repositories (PostgreSQL through SQLAlchemy's async Core)."""
