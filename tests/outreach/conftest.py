from tests.appdb.engines import app_engine, database_url

__all__ = ["app_engine", "database_url"]
