-- ANCHOR: schema
CREATE TABLE users (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    name  TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE
);

-- A single row of settings that the service caches in memory.
CREATE TABLE settings (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    motd          TEXT    NOT NULL,
    max_upload_mb INTEGER NOT NULL
);
INSERT INTO settings (id, motd, max_upload_mb) VALUES (1, 'Welcome!', 10);
-- ANCHOR_END: schema
