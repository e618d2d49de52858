// The inventory database's schema as numbered migrations (after seed 004): a newer pxdeploy upgrades, an older one refuses.

/** Each entry moves the schema from version `index` to `index + 1`; append only, never edit a released one. */
export const MIGRATIONS: readonly string[] = [
  // 1: resources and their history.
  `
  CREATE TABLE nodes (
    id            TEXT PRIMARY KEY,
    status        TEXT NOT NULL,
    cpu_max       INTEGER,
    memory_max    INTEGER,
    disk_max      INTEGER,
    pve_version   TEXT,
    kernel        TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
  );
  CREATE TABLE containers (
    id            INTEGER PRIMARY KEY,
    type          TEXT NOT NULL,
    node_id       TEXT NOT NULL,
    name          TEXT,
    status        TEXT NOT NULL,
    template      INTEGER NOT NULL DEFAULT 0,
    cpus          REAL,
    memory        INTEGER,
    disk_size     INTEGER,
    tags          TEXT,
    lock_status   TEXT,
    hostname      TEXT,
    cores         INTEGER,
    swap          INTEGER,
    ostype        TEXT,
    unprivileged  INTEGER,
    onboot        INTEGER,
    net0          TEXT,
    rootfs        TEXT,
    config_digest TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
  );
  CREATE INDEX containers_node ON containers(node_id);
  CREATE TABLE storage (
    id            TEXT PRIMARY KEY,
    node_id       TEXT NOT NULL,
    storage       TEXT NOT NULL,
    type          TEXT NOT NULL,
    content       TEXT,
    enabled       INTEGER,
    active        INTEGER,
    shared        INTEGER,
    total_bytes   INTEGER,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
  );
  CREATE TABLE state_snapshots (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    snapshot_time TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    change_type   TEXT NOT NULL CHECK (change_type IN ('created', 'updated', 'deleted', 'discovered')),
    resource_data TEXT NOT NULL,
    diff          TEXT NOT NULL
  );
  `,
  // 2: node tasks, and history looked up by resource.
  `
  CREATE TABLE tasks (
    upid          TEXT PRIMARY KEY,
    node_id       TEXT NOT NULL,
    type          TEXT NOT NULL,
    resource_id   TEXT,
    user          TEXT,
    status        TEXT,
    pid           INTEGER,
    start_time    INTEGER,
    end_time      INTEGER
  );
  CREATE INDEX tasks_node ON tasks(node_id, start_time);
  CREATE INDEX snapshots_resource ON state_snapshots(resource_type, resource_id, id);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
