//! The SQL console's tables as documented (every column with its meaning), the example queries, and the statements that create and fill them.

pub struct Column {
    pub name: &'static str,
    /// `TEXT` or `INTEGER`.
    pub kind: &'static str,
    pub doc: &'static str,
}

pub struct Table {
    pub name: &'static str,
    pub doc: &'static str,
    pub columns: &'static [Column],
}

const fn text(name: &'static str, doc: &'static str) -> Column {
    Column {
        name,
        kind: "TEXT",
        doc,
    }
}

const fn int(name: &'static str, doc: &'static str) -> Column {
    Column {
        name,
        kind: "INTEGER",
        doc,
    }
}

pub const TABLES: &[Table] = &[
    Table {
        name: "cases",
        doc: "One row per case.",
        columns: &[
            text("key", "ESC-1001"),
            text("id", "The case's UUID"),
            text("title", "One-line summary"),
            text("account", "Merchant or account name"),
            text("account_id", "The platform's account id"),
            text("tier", "Standard or Enterprise"),
            text("product_area", "Payouts, Disputes, …"),
            text("priority", "P1 (highest) to P4"),
            text(
                "status",
                "New, Triaged, In progress, Waiting on user, Waiting on partner, Resolved, Closed",
            ),
            text("owner", "The specialist who owns it"),
            text("channel", "Where it came in"),
            text("tags", "Comma-separated"),
            text("created_at", "Opened, UTC"),
            text("updated_at", "Last change, UTC"),
            text(
                "first_response_at",
                "First email sent or call that reached the user, UTC",
            ),
            text("resolved_at", "First resolution, UTC"),
            int("reopened", "1 if it was reopened after a resolution"),
            int("revision", "Bumped by every saved change"),
        ],
    },
    Table {
        name: "events",
        doc: "Every timeline entry of every case, oldest first.",
        columns: &[
            text("id", "The event's UUID"),
            text("case_key", "ESC-1001"),
            text("at", "When, UTC"),
            text("actor", "Who"),
            text(
                "kind",
                "Created, StatusChanged, NoteAdded, EmailSent, CallLogged, HandedOff, SlaBreached, …",
            ),
            text("summary", "The timeline's one-line headline"),
            text("body", "Note, email or call text, where the event has one"),
        ],
    },
    Table {
        name: "sla_clocks",
        doc: "Each case's service-level clocks: as recorded at resolution, or live now.",
        columns: &[
            text("case_key", "ESC-1001"),
            text("target", "FR, NU, RES or OLA"),
            text("team", "The partner team, for OLA clocks"),
            text("state", "running, paused, stopped or settled"),
            text("due_at", "Deadline, UTC"),
            int("target_minutes", "The agreed working minutes"),
            int("elapsed_minutes", "Working minutes used"),
            int("breached", "1 if missed"),
        ],
    },
    Table {
        name: "handoffs",
        doc: "Parts of cases handed to partner teams.",
        columns: &[
            text("id", "The hand-off's UUID"),
            text("case_key", "ESC-1001"),
            text("team", "Partner team"),
            text("ask", "The question asked"),
            text("ticket", "The partner's own ticket"),
            text("asked_at", "UTC"),
            text("answered_at", "UTC; empty while waiting"),
            int(
                "ola_minutes",
                "The team's OLA pinned at hand-off; empty uses the policy's",
            ),
            text("answer", "Their answer"),
        ],
    },
    Table {
        name: "playbook_runs",
        doc: "Playbooks applied to cases, with step progress.",
        columns: &[
            text("id", "The run's UUID"),
            text("case_key", "ESC-1001"),
            text("playbook_id", "The playbook's UUID"),
            text("title", "Playbook title at the version applied"),
            int("version", "Version applied"),
            text("started_at", "UTC"),
            int("steps", "Steps in the checklist"),
            int("done", "Steps ticked"),
            int("skipped", "Steps skipped"),
        ],
    },
    Table {
        name: "rcas",
        doc: "Root-cause analysis worksheets.",
        columns: &[
            text("key", "RCA-1"),
            text("id", "The worksheet's UUID"),
            text("title", "Title"),
            text("status", "Draft, In review, Validated, Published"),
            text("owner", "Owner"),
            text("category", "Root-cause category"),
            int("cases", "Cases it covers"),
            int("users_affected", "Users affected, if known"),
            text("created_at", "UTC"),
            text("updated_at", "UTC"),
        ],
    },
    Table {
        name: "rca_actions",
        doc: "Corrective and preventive actions from RCAs.",
        columns: &[
            text("id", "The action's UUID"),
            text("rca_key", "RCA-1"),
            text("kind", "Corrective, Preventive, Detection, Mitigation"),
            text("title", "What will be done"),
            text("owner", "Who"),
            text("team", "Which team"),
            text("due", "Due date, YYYY-MM-DD"),
            text("status", "Open, Done, Not doing"),
            text("ticket", "Tracking ticket"),
            int("overdue", "1 if open and past due today"),
        ],
    },
    Table {
        name: "attachments",
        doc: "Evidence files each case holds now (removed ones are gone); names and sizes only, never the bytes.",
        columns: &[
            text("case_key", "ESC-1001"),
            text("name", "The file's name, e.g. bank-letter.pdf"),
            text(
                "media_type",
                "The type the browser declared, e.g. application/pdf",
            ),
            int("size", "Bytes"),
            text(
                "sha256",
                "The bytes' SHA-256 in hex: the same file on two cases has the same one",
            ),
            text("added_at", "When it was attached, UTC"),
            text("added_by", "Who attached it"),
        ],
    },
];

pub struct Example {
    pub name: &'static str,
    pub sql: &'static str,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        name: "Breaches by product area",
        sql: "SELECT c.product_area, count(*) AS breaches\nFROM sla_clocks s JOIN cases c ON c.key = s.case_key\nWHERE s.breached = 1\nGROUP BY c.product_area\nORDER BY breaches DESC, c.product_area;",
    },
    Example {
        name: "Median first response by week",
        sql: "WITH r AS (\n  SELECT strftime('%Y-%W', created_at) AS week,\n         round((julianday(first_response_at) - julianday(created_at)) * 1440) AS minutes\n  FROM cases WHERE first_response_at IS NOT NULL\n), ranked AS (\n  SELECT week, minutes,\n         row_number() OVER (PARTITION BY week ORDER BY minutes) AS n,\n         count(*) OVER (PARTITION BY week) AS total\n  FROM r\n)\nSELECT week, minutes AS median_minutes, total AS cases\nFROM ranked WHERE n = (total + 1) / 2\nORDER BY week;",
    },
    Example {
        name: "Top accounts by escalations",
        sql: "SELECT account, count(*) AS escalations,\n       sum(status NOT IN ('Resolved', 'Closed')) AS open\nFROM cases\nGROUP BY account\nORDER BY escalations DESC, account\nLIMIT 10;",
    },
];

/// The DDL that creates every table, for the engine and for the schema sidebar.
pub fn create_statements() -> Vec<String> {
    TABLES
        .iter()
        .map(|t| {
            let columns: Vec<String> = t
                .columns
                .iter()
                .map(|c| format!("{} {}", c.name, c.kind))
                .collect();
            format!("CREATE TABLE {} ({})", t.name, columns.join(", "))
        })
        .collect()
}

/// The statement that inserts one row of `table`.
pub fn insert_statement(table: &Table) -> String {
    let marks: Vec<&str> = table.columns.iter().map(|_| "?").collect();
    format!("INSERT INTO {} VALUES ({})", table.name, marks.join(", "))
}
