-- Facts about this installation rather than about an organization, e.g. which person is the desktop's
-- local owner (signed in by the desktop shell's one-time bootstrap token).
CREATE TABLE instance_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
