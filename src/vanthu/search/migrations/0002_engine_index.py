"""Engine-specific search structures, kept in step with ``search_searchentry`` by the database itself.

SQLite: an external-content FTS5 table (rowid = document id) and three triggers, the pattern of the SQLite
FTS5 documentation. PostgreSQL: the ``unaccent`` extension, a trigger filling ``vector`` and a GIN index.
A later migration that rebuilds ``search_searchentry`` on SQLite (any ALTER that Django emulates by copying the
table) drops the triggers: re-run the SQLite statements below and ``INSERT INTO search_fts(search_fts)
VALUES('rebuild')``.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        meta_text, body_text,
        content='search_searchentry', content_rowid='document_id',
        tokenize="unicode61 remove_diacritics 2", prefix='2 3'
    )""",
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts(rowid, meta_text, body_text) VALUES (new.document_id, new.meta_text, new.body_text);
    END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, meta_text, body_text)
        VALUES ('delete', old.document_id, old.meta_text, old.body_text);
    END""",
    """CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, meta_text, body_text)
        VALUES ('delete', old.document_id, old.meta_text, old.body_text);
        INSERT INTO search_fts(rowid, meta_text, body_text) VALUES (new.document_id, new.meta_text, new.body_text);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """CREATE OR REPLACE FUNCTION search_entry_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.vector := setweight(to_tsvector('simple'::regconfig, unaccent(coalesce(NEW.meta_text, ''))), 'A')
                   || setweight(to_tsvector('simple'::regconfig, unaccent(coalesce(NEW.body_text, ''))), 'D');
        RETURN NEW;
    END
    $$""",
    """CREATE TRIGGER search_entry_vector_trg BEFORE INSERT OR UPDATE OF meta_text, body_text
        ON search_searchentry FOR EACH ROW EXECUTE FUNCTION search_entry_vector()""",
    "UPDATE search_searchentry SET meta_text = meta_text",
    "CREATE INDEX search_entry_vector_gin ON search_searchentry USING gin (vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_vector_gin",
    "DROP TRIGGER IF EXISTS search_entry_vector_trg ON search_searchentry",
    "DROP FUNCTION IF EXISTS search_entry_vector()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
