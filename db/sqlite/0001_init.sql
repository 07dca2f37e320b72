-- 0001_init.sql - the whole patchbay data model (DESIGN.md), SQLite dialect.
--
-- Conventions (every later migration keeps them):
--   * table names singular snake_case; every row has id INTEGER PRIMARY KEY,
--     tenant_id (NOT NULL, except on tenant itself and the helper tables
--     login_throttle / schema_version), created_at and updated_at;
--   * times: TEXT ISO 8601 UTC 'YYYY-MM-DDTHH:MM:SSZ'; dates: TEXT 'YYYY-MM-DD';
--   * every editable row has version INTEGER NOT NULL DEFAULT 1 (optimistic
--     locking: the controllers run UPDATE ... SET version = version + 1
--     WHERE id = ? AND version = ?);  updated_at is set by the controllers too;
--   * money: INTEGER minor units of the tenant's / customer's / invoice's
--     currency; rates: INTEGER basis points (*_rate_bp, 15 % = 1500);
--   * booleans: INTEGER 0/1 with a CHECK; secrets: TEXT sealed by the vault
--     (*_sealed); speeds kbit/s; quotas, data, disk and bandwidth in bytes;
--   * coordinates: INTEGER microdegrees (latitude 23.810332 = 23810332);
--   * enumerations: CHECK with DESIGN.md's value lists;
--   * lists page by keyset: indexes (tenant_id, <sort column>, id).
-- Business validation lives in the C controllers (src/app/), not here; the
-- only triggers keep caches (customer.monthly_bill / balance / active_subs),
-- the customer search index and the append-only audit log.

-- ---------------------------------------------------------------- tenants

CREATE TABLE tenant (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    parent_id INTEGER REFERENCES tenant ON DELETE RESTRICT,
    commission_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (commission_rate_bp BETWEEN 0 AND 10000),
    currency TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
    timezone TEXT NOT NULL DEFAULT 'UTC',
    default_tax_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (default_tax_rate_bp BETWEEN 0 AND 10000),
    invoice_number_format TEXT NOT NULL DEFAULT 'INV-{YYYY}-{NNNNNN}',
    payment_number_format TEXT NOT NULL DEFAULT 'PAY-{YYYY}-{NNNNNN}',
    payment_terms_days INTEGER NOT NULL DEFAULT 15 CHECK (payment_terms_days >= 0),
    billing_day INTEGER NOT NULL DEFAULT 1 CHECK (billing_day BETWEEN 1 AND 28),
    dunning_grace_days INTEGER NOT NULL DEFAULT 7 CHECK (dunning_grace_days >= 0),
    loyalty_discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (loyalty_discount_bp BETWEEN 0 AND 10000),
    loyalty_after_months INTEGER NOT NULL DEFAULT 12 CHECK (loyalty_after_months >= 0),
    bill_suspended_days INTEGER NOT NULL DEFAULT 0 CHECK (bill_suspended_days IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX tenant_parent ON tenant (parent_id);
CREATE INDEX tenant_name ON tenant (name, id);

-- ---------------------------------------------------------------- operators

CREATE TABLE app_user (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    email TEXT NOT NULL COLLATE NOCASE UNIQUE,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('root', 'admin', 'support', 'accountant', 'noc', 'client')),
    grants TEXT NOT NULL DEFAULT '',
    customer_id INTEGER REFERENCES customer ON DELETE RESTRICT,
    password_hash TEXT NOT NULL,
    totp_secret_sealed TEXT,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until TEXT,
    last_login_at TEXT,
    last_login_from TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (role <> 'client' OR customer_id IS NOT NULL)
);
CREATE INDEX app_user_list ON app_user (tenant_id, full_name, id);
CREATE INDEX app_user_role ON app_user (tenant_id, role, full_name, id);
CREATE INDEX app_user_customer ON app_user (customer_id);

-- Failed sign-ins for e-mails that have no account, so an unknown address
-- locks exactly like a known one (nobody can probe which accounts exist).
CREATE TABLE login_throttle (
    email TEXT PRIMARY KEY COLLATE NOCASE,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    updated_at TEXT NOT NULL
);

-- ---------------------------------------------------------------- customers

CREATE TABLE customer (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    company TEXT,
    email TEXT NOT NULL COLLATE NOCASE,
    phone TEXT,
    phone_digits TEXT NOT NULL DEFAULT '',
    address TEXT,
    city TEXT,
    state TEXT,
    postal_code TEXT,
    country TEXT,
    tax_id TEXT,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    status TEXT NOT NULL DEFAULT 'lead'
        CHECK (status IN ('lead', 'onboarding', 'active', 'paused', 'suspended', 'inactive', 'cancelled')),
    account_manager_id INTEGER REFERENCES app_user ON DELETE SET NULL,
    notes TEXT,
    auto_suspend INTEGER NOT NULL DEFAULT 1 CHECK (auto_suspend IN (0, 1)),
    credit INTEGER NOT NULL DEFAULT 0 CHECK (credit >= 0),
    monthly_bill INTEGER NOT NULL DEFAULT 0, -- cache: trigger-maintained
    balance INTEGER NOT NULL DEFAULT 0,      -- cache: trigger-maintained
    active_subs INTEGER NOT NULL DEFAULT 0,  -- cache: trigger-maintained
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, code),
    UNIQUE (tenant_id, email)
);
CREATE INDEX customer_name ON customer (tenant_id, name, id);
CREATE INDEX customer_status ON customer (tenant_id, status, name, id);
CREATE INDEX customer_phone ON customer (tenant_id, phone_digits);
CREATE INDEX customer_monthly_bill ON customer (tenant_id, monthly_bill, id);
CREATE INDEX customer_balance ON customer (tenant_id, balance, id);
CREATE INDEX customer_updated ON customer (tenant_id, updated_at, id);
CREATE INDEX customer_city ON customer (tenant_id, city, id);
CREATE INDEX customer_manager ON customer (account_manager_id);

-- Substring search over name, company, e-mail, phone digits and code
-- (RULES.md: case-insensitive substring). Trigram needs 3 characters; shorter
-- searches fall back to LIKE / prefix searches in the controller. Queries:
--   ... c.id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?)
--       with ? = '"term1" "term2"' (each term a quoted phrase), or
--   ... c.id IN (SELECT rowid FROM customer_fts WHERE name LIKE ?
--                UNION SELECT rowid FROM customer_fts WHERE email LIKE ? ...)
--       (trigram LIKE, one column per arm; an OR of columns scans everything).
-- detail='none' would make the index 4x smaller and 2x quicker to build but
-- refuses MATCH phrases (only the LIKE form works then).
CREATE VIRTUAL TABLE customer_fts USING fts5 (
    name, company, email, phone_digits, code,
    content = 'customer', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER customer_fts_insert AFTER INSERT ON customer BEGIN
    INSERT INTO customer_fts (rowid, name, company, email, phone_digits, code)
    VALUES (new.id, new.name, new.company, new.email, new.phone_digits, new.code);
END;

CREATE TRIGGER customer_fts_delete AFTER DELETE ON customer BEGIN
    INSERT INTO customer_fts (customer_fts, rowid, name, company, email, phone_digits, code)
    VALUES ('delete', old.id, old.name, old.company, old.email, old.phone_digits, old.code);
END;

CREATE TRIGGER customer_fts_update AFTER UPDATE OF name, company, email, phone_digits, code ON customer
BEGIN
    INSERT INTO customer_fts (customer_fts, rowid, name, company, email, phone_digits, code)
    VALUES ('delete', old.id, old.name, old.company, old.email, old.phone_digits, old.code);
    INSERT INTO customer_fts (rowid, name, company, email, phone_digits, code)
    VALUES (new.id, new.name, new.company, new.email, new.phone_digits, new.code);
END;

CREATE TABLE contact (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    customer_id INTEGER NOT NULL REFERENCES customer ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT COLLATE NOCASE,
    phone TEXT,
    role TEXT NOT NULL DEFAULT 'billing' CHECK (role IN ('billing', 'technical', 'admin')),
    is_primary INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX contact_one_primary ON contact (customer_id) WHERE is_primary = 1;
CREATE INDEX contact_customer ON contact (customer_id, name);

-- ---------------------------------------------------------------- catalogue

CREATE TABLE plan (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    name TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT 'internet'
        CHECK (category IN ('internet', 'hosting', 'domain', 'dns', 'cloud', 'development',
                            'design', 'marketing', 'maintenance', 'other')),
    description TEXT,
    download_speed INTEGER CHECK (download_speed IS NULL OR download_speed > 0), -- kbit/s; NULL: not a link
    upload_speed INTEGER CHECK (upload_speed IS NULL OR upload_speed > 0),       -- kbit/s
    quota INTEGER CHECK (quota IS NULL OR quota > 0),                            -- bytes; NULL = unlimited
    price INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),
    setup_fee INTEGER NOT NULL DEFAULT 0 CHECK (setup_fee >= 0),
    billing_cycle TEXT NOT NULL DEFAULT 'monthly'
        CHECK (billing_cycle IN ('monthly', 'quarterly', 'semiannual', 'yearly', 'one_time')),
    features TEXT NOT NULL DEFAULT '', -- one feature per line
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    is_featured INTEGER NOT NULL DEFAULT 0 CHECK (is_featured IN (0, 1)),
    is_popular INTEGER NOT NULL DEFAULT 0 CHECK (is_popular IN (0, 1)),
    tax_rate_bp INTEGER CHECK (tax_rate_bp IS NULL OR tax_rate_bp BETWEEN 0 AND 10000), -- NULL: tenant default
    router_profile TEXT,
    hosting_package TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, name)
);
CREATE INDEX plan_category ON plan (tenant_id, category, name, id);
CREATE INDEX plan_price ON plan (tenant_id, price, id);
CREATE INDEX plan_active ON plan (tenant_id, is_active, name, id);

-- ---------------------------------------------------------------- network

CREATE TABLE router (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    name TEXT NOT NULL,
    router_type TEXT NOT NULL DEFAULT 'mikrotik' CHECK (router_type IN ('mikrotik', 'cisco', 'other')),
    host TEXT NOT NULL,
    api_port INTEGER NOT NULL DEFAULT 443 CHECK (api_port BETWEEN 1 AND 65535),
    use_tls INTEGER NOT NULL DEFAULT 1 CHECK (use_tls IN (0, 1)),
    tls_insecure INTEGER NOT NULL DEFAULT 0 CHECK (tls_insecure IN (0, 1)),
    username TEXT,
    password_sealed TEXT,
    snmp_community_sealed TEXT,
    snmp_port INTEGER NOT NULL DEFAULT 161 CHECK (snmp_port BETWEEN 1 AND 65535),
    location TEXT,
    latitude INTEGER CHECK (latitude IS NULL OR latitude BETWEEN -90000000 AND 90000000),      -- microdegrees
    longitude INTEGER CHECK (longitude IS NULL OR longitude BETWEEN -180000000 AND 180000000), -- microdegrees
    status TEXT NOT NULL DEFAULT 'unknown' CHECK (status IN ('online', 'offline', 'maintenance', 'unknown')),
    last_seen TEXT,
    last_error TEXT,
    rtt_ms INTEGER,
    cpu_pct INTEGER,
    mem_pct INTEGER,
    uptime_s INTEGER,
    rx_bps INTEGER,
    tx_bps INTEGER,
    poll_interval INTEGER NOT NULL DEFAULT 60 CHECK (poll_interval > 0), -- seconds
    maintenance_until TEXT,
    maintenance_note TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, name)
);
CREATE INDEX router_status ON router (tenant_id, status, name, id);
CREATE INDEX router_location ON router (tenant_id, location, id);

-- Poll samples for the charts: period_s 0 = raw (kept 24 h), else the width
-- in seconds of a downsampled bucket.
CREATE TABLE router_sample (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    router_id INTEGER NOT NULL REFERENCES router ON DELETE CASCADE,
    at TEXT NOT NULL,
    period_s INTEGER NOT NULL DEFAULT 0 CHECK (period_s >= 0),
    online INTEGER NOT NULL DEFAULT 1 CHECK (online IN (0, 1)),
    rtt_ms INTEGER,
    cpu_pct INTEGER,
    mem_pct INTEGER,
    rx_bps INTEGER,
    tx_bps INTEGER,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX router_sample_router ON router_sample (router_id, period_s, at);
CREATE INDEX router_sample_at ON router_sample (tenant_id, at);

-- ---------------------------------------------------------------- subscriptions

CREATE TABLE subscription (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    customer_id INTEGER NOT NULL REFERENCES customer ON DELETE CASCADE,
    plan_id INTEGER NOT NULL REFERENCES plan ON DELETE RESTRICT,
    router_id INTEGER REFERENCES router ON DELETE RESTRICT,
    access_method TEXT NOT NULL DEFAULT 'none'
        CHECK (access_method IN ('pppoe', 'static_ip', 'dhcp', 'hosting', 'none')),
    username TEXT,
    password_sealed TEXT,
    static_ip TEXT,
    mac_address TEXT, -- 'AA:BB:CC:DD:EE:FF'
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'active', 'suspended', 'cancelled', 'expired')),
    start_date TEXT,
    end_date TEXT,
    next_bill_date TEXT,
    price INTEGER CHECK (price IS NULL OR price >= 0),         -- NULL: the plan's price
    setup_fee INTEGER CHECK (setup_fee IS NULL OR setup_fee >= 0), -- NULL: the plan's setup fee
    discount_type TEXT CHECK (discount_type IS NULL OR discount_type IN ('fixed', 'percent')),
    discount_value INTEGER NOT NULL DEFAULT 0 CHECK (discount_value >= 0), -- minor units (fixed) or bp (percent)
    data_used INTEGER NOT NULL DEFAULT 0 CHECK (data_used >= 0), -- bytes
    data_reset_date TEXT,
    suspend_reason TEXT,
    sync_state TEXT NOT NULL DEFAULT 'synced' CHECK (sync_state IN ('synced', 'pending', 'failed')),
    sync_error TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, username),
    UNIQUE (tenant_id, static_ip),
    CHECK (access_method <> 'static_ip' OR static_ip IS NOT NULL)
);
CREATE INDEX subscription_customer ON subscription (customer_id, status);
CREATE INDEX subscription_plan ON subscription (plan_id, status);
CREATE INDEX subscription_router ON subscription (router_id, status);
CREATE INDEX subscription_status ON subscription (tenant_id, status, id);
CREATE INDEX subscription_next_bill ON subscription (tenant_id, next_bill_date, id);
CREATE INDEX subscription_end ON subscription (tenant_id, end_date, id);
CREATE INDEX subscription_updated ON subscription (tenant_id, updated_at, id);
CREATE INDEX subscription_sync ON subscription (tenant_id, sync_state, id);
CREATE INDEX subscription_mac ON subscription (tenant_id, mac_address);

-- Contacts granted access to given subscriptions.
CREATE TABLE contact_subscription (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    contact_id INTEGER NOT NULL REFERENCES contact ON DELETE CASCADE,
    subscription_id INTEGER NOT NULL REFERENCES subscription ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (contact_id, subscription_id)
);
CREATE INDEX contact_subscription_sub ON contact_subscription (subscription_id);

-- The effective monthly price of every subscription (RULES.md): the price
-- override or else the plan's price, normalised to a month (quarterly / 3,
-- semiannual / 6, yearly / 12, rounded half-even per subscription); one_time
-- plans have none (NULL). MRR and customer.monthly_bill sum it over active
-- subscriptions.
CREATE VIEW subscription_monthly AS
SELECT s.id AS subscription_id, s.tenant_id, s.customer_id, s.plan_id, s.status,
       CASE p.billing_cycle
           WHEN 'one_time' THEN NULL
           WHEN 'monthly' THEN coalesce(s.price, p.price)
           ELSE coalesce(s.price, p.price) / d.n
                + (CASE WHEN 2 * (coalesce(s.price, p.price) % d.n) > d.n
                          OR (2 * (coalesce(s.price, p.price) % d.n) = d.n
                              AND (coalesce(s.price, p.price) / d.n) % 2 = 1)
                        THEN 1 ELSE 0 END)
       END AS monthly_price
  FROM subscription s
  JOIN plan p ON p.id = s.plan_id
  JOIN (SELECT 'monthly' AS c, 1 AS n UNION ALL SELECT 'quarterly', 3
        UNION ALL SELECT 'semiannual', 6 UNION ALL SELECT 'yearly', 12
        UNION ALL SELECT 'one_time', 1) d ON d.c = p.billing_cycle;

-- ---------------------------------------------------------------- billing

CREATE TABLE billing_run (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    period TEXT NOT NULL, -- 'YYYY-MM'
    started_by INTEGER REFERENCES app_user ON DELETE SET NULL,
    dry_run INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
    state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'committed', 'cancelled', 'failed')),
    subscription_count INTEGER NOT NULL DEFAULT 0, -- subscriptions considered
    invoice_count INTEGER NOT NULL DEFAULT 0,      -- invoices made
    skipped_count INTEGER NOT NULL DEFAULT 0,
    error_count INTEGER NOT NULL DEFAULT 0,
    subtotal INTEGER NOT NULL DEFAULT 0,
    tax INTEGER NOT NULL DEFAULT 0,
    discount INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    finished_at TEXT,
    error TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX billing_run_period ON billing_run (tenant_id, period, id);
CREATE INDEX billing_run_started ON billing_run (tenant_id, started_at, id);

CREATE TABLE invoice (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    number TEXT, -- NULL while draft; gapless per tenant and year
    customer_id INTEGER NOT NULL REFERENCES customer ON DELETE RESTRICT,
    subscription_id INTEGER REFERENCES subscription ON DELETE RESTRICT,
    type TEXT NOT NULL DEFAULT 'recurring'
        CHECK (type IN ('recurring', 'setup', 'adjustment', 'one_off', 'credit_note')),
    original_invoice_id INTEGER REFERENCES invoice ON DELETE RESTRICT, -- a credit note: the invoice it voids
    period_start TEXT,
    period_end TEXT,
    subtotal INTEGER NOT NULL DEFAULT 0,
    tax INTEGER NOT NULL DEFAULT 0,
    discount INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    paid INTEGER NOT NULL DEFAULT 0 CHECK (paid >= 0),
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'overdue', 'void')),
    issue_date TEXT,
    due_date TEXT,
    paid_date TEXT,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    notes TEXT,
    billing_run_id INTEGER REFERENCES billing_run ON DELETE SET NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, number),
    CHECK (status = 'draft' OR number IS NOT NULL)
);
-- One recurring invoice per subscription per period (void ones included: a
-- voided period is re-billed with an adjustment invoice, never twice by a run).
CREATE UNIQUE INDEX invoice_one_per_period ON invoice (subscription_id, period_start)
    WHERE type = 'recurring';
CREATE INDEX invoice_customer ON invoice (customer_id, status);
CREATE INDEX invoice_status ON invoice (tenant_id, status, due_date, id);
CREATE INDEX invoice_issue ON invoice (tenant_id, issue_date, id);
CREATE INDEX invoice_due ON invoice (tenant_id, due_date, id);
CREATE INDEX invoice_total ON invoice (tenant_id, total, id);
CREATE INDEX invoice_created ON invoice (tenant_id, created_at, id);
CREATE INDEX invoice_run ON invoice (billing_run_id);
CREATE INDEX invoice_original ON invoice (original_invoice_id);

CREATE TABLE invoice_line (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    invoice_id INTEGER NOT NULL REFERENCES invoice ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL, -- e.g. '15/31 days of Fiber 100'
    quantity INTEGER NOT NULL DEFAULT 1,
    unit_price INTEGER NOT NULL DEFAULT 0,
    tax_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    amount INTEGER NOT NULL DEFAULT 0,   -- before tax and discount
    tax INTEGER NOT NULL DEFAULT 0,      -- this line's tax, rounded half-even
    discount INTEGER NOT NULL DEFAULT 0, -- this line's discount
    plan_id INTEGER REFERENCES plan ON DELETE SET NULL,
    subscription_id INTEGER REFERENCES subscription ON DELETE SET NULL,
    period_start TEXT,
    period_end TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX invoice_line_invoice ON invoice_line (invoice_id, position, id);
CREATE INDEX invoice_line_subscription ON invoice_line (subscription_id);
CREATE INDEX invoice_line_plan ON invoice_line (plan_id);

CREATE TABLE installment (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    invoice_id INTEGER NOT NULL REFERENCES invoice ON DELETE CASCADE,
    number INTEGER NOT NULL CHECK (number >= 1),
    amount INTEGER NOT NULL CHECK (amount > 0),
    due_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'failed', 'closed')),
    paid_date TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (invoice_id, number)
);
CREATE INDEX installment_due ON installment (tenant_id, due_date, id);
CREATE INDEX installment_status ON installment (tenant_id, status, due_date, id);

CREATE TABLE payment (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    number TEXT, -- gapless per tenant and year; NULL until completed
    customer_id INTEGER NOT NULL REFERENCES customer ON DELETE RESTRICT,
    invoice_id INTEGER REFERENCES invoice ON DELETE RESTRICT, -- the main invoice; see payment_allocation
    amount INTEGER NOT NULL CHECK (amount > 0),
    refunded INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    method TEXT NOT NULL
        CHECK (method IN ('cash', 'bank_transfer', 'card', 'bkash', 'nagad', 'rocket',
                          'sslcommerz', 'stripe', 'other')),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'completed', 'failed', 'refunded', 'cancelled')),
    payment_date TEXT NOT NULL,
    external_id TEXT,
    transaction_id TEXT,
    notes TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, number)
);
CREATE INDEX payment_date ON payment (tenant_id, payment_date, id);
CREATE INDEX payment_customer ON payment (customer_id, payment_date);
CREATE INDEX payment_status ON payment (tenant_id, status, payment_date, id);
CREATE INDEX payment_method ON payment (tenant_id, method, payment_date);
CREATE INDEX payment_amount ON payment (tenant_id, amount, id);
CREATE INDEX payment_invoice ON payment (invoice_id);
CREATE INDEX payment_transaction ON payment (tenant_id, transaction_id);

CREATE TABLE payment_allocation (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    payment_id INTEGER NOT NULL REFERENCES payment ON DELETE CASCADE,
    invoice_id INTEGER NOT NULL REFERENCES invoice ON DELETE RESTRICT,
    amount INTEGER NOT NULL CHECK (amount > 0),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (payment_id, invoice_id)
);
CREATE INDEX payment_allocation_invoice ON payment_allocation (invoice_id);

-- Gapless numbering (customer codes, invoice and payment numbers): read and
-- incremented inside the transaction that uses the number. year 0 = not
-- per year.
CREATE TABLE counter (
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE CASCADE,
    name TEXT NOT NULL,
    year INTEGER NOT NULL DEFAULT 0,
    value INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, name, year)
);

-- ---------------------------------------------------------------- provisioning

-- The durable router queue: what a subscription should look like on its
-- router, retried until verified.
CREATE TABLE provisioning_job (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    router_id INTEGER NOT NULL REFERENCES router ON DELETE CASCADE,
    subscription_id INTEGER REFERENCES subscription ON DELETE SET NULL,
    operation TEXT NOT NULL CHECK (operation IN ('create', 'update', 'suspend', 'activate', 'remove', 'sync')),
    desired_state TEXT NOT NULL DEFAULT '{}', -- JSON: what the router should hold afterwards
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_try_at TEXT,
    last_error TEXT,
    verified_at TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX provisioning_job_due ON provisioning_job (state, next_try_at, id);
CREATE INDEX provisioning_job_router ON provisioning_job (router_id, state, id);
CREATE INDEX provisioning_job_subscription ON provisioning_job (subscription_id, id);
CREATE INDEX provisioning_job_list ON provisioning_job (tenant_id, created_at, id);

-- ---------------------------------------------------------------- providers

CREATE TABLE credential (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    customer_id INTEGER REFERENCES customer ON DELETE CASCADE, -- NULL: the tenant's own account
    provider TEXT NOT NULL CHECK (provider IN ('cloudflare', 'cpanel', 'directadmin', 'routeros', 'stripe')),
    name TEXT NOT NULL,
    base_url TEXT,
    username TEXT,
    secret_sealed TEXT NOT NULL,
    last_verified TEXT,
    verify_ok INTEGER CHECK (verify_ok IS NULL OR verify_ok IN (0, 1)), -- NULL: never verified
    verify_message TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX credential_name ON credential (tenant_id, ifnull(customer_id, 0), provider, name);
CREATE INDEX credential_list ON credential (tenant_id, provider, name, id);
CREATE INDEX credential_customer ON credential (customer_id);

CREATE TABLE dns_zone (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    domain TEXT NOT NULL COLLATE NOCASE,
    customer_id INTEGER REFERENCES customer ON DELETE RESTRICT,
    provider TEXT NOT NULL DEFAULT 'none' CHECK (provider IN ('none', 'cloudflare')),
    provider_zone_id TEXT,
    credential_id INTEGER REFERENCES credential ON DELETE RESTRICT,
    last_synced TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, domain)
);
CREATE INDEX dns_zone_customer ON dns_zone (customer_id, domain);
CREATE INDEX dns_zone_credential ON dns_zone (credential_id);

CREATE TABLE dns_record (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    zone_id INTEGER NOT NULL REFERENCES dns_zone ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (type IN ('A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'CAA')),
    name TEXT NOT NULL,
    content TEXT NOT NULL,
    ttl INTEGER NOT NULL DEFAULT 3600 CHECK (ttl = 1 OR ttl BETWEEN 60 AND 86400),
    priority INTEGER CHECK (priority IS NULL OR priority BETWEEN 0 AND 65535),
    proxied INTEGER NOT NULL DEFAULT 0 CHECK (proxied IN (0, 1)),
    provider_record_id TEXT,
    sync_state TEXT NOT NULL DEFAULT 'pending' CHECK (sync_state IN ('synced', 'pending', 'failed')),
    sync_error TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (type NOT IN ('MX', 'SRV') OR priority IS NOT NULL)
);
CREATE INDEX dns_record_zone ON dns_record (zone_id, name, type, id);
CREATE INDEX dns_record_provider ON dns_record (zone_id, provider_record_id);

CREATE TABLE hosting_account (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    credential_id INTEGER NOT NULL REFERENCES credential ON DELETE RESTRICT,
    customer_id INTEGER REFERENCES customer ON DELETE RESTRICT,
    subscription_id INTEGER REFERENCES subscription ON DELETE SET NULL,
    username TEXT NOT NULL, -- the panel's user name
    domain TEXT COLLATE NOCASE,
    package TEXT,
    disk_used INTEGER NOT NULL DEFAULT 0,    -- bytes
    disk_limit INTEGER,                      -- bytes; NULL = unlimited
    bandwidth_used INTEGER NOT NULL DEFAULT 0,
    bandwidth_limit INTEGER,
    email_count INTEGER NOT NULL DEFAULT 0,
    database_count INTEGER NOT NULL DEFAULT 0,
    domain_count INTEGER NOT NULL DEFAULT 0,
    suspended INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),
    last_synced TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (credential_id, username)
);
CREATE INDEX hosting_account_customer ON hosting_account (customer_id);
CREATE INDEX hosting_account_subscription ON hosting_account (subscription_id);
CREATE INDEX hosting_account_domain ON hosting_account (tenant_id, domain, id);
CREATE INDEX hosting_account_list ON hosting_account (tenant_id, username, id);

-- ---------------------------------------------------------------- audit

CREATE TABLE audit_entry (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER REFERENCES tenant ON DELETE RESTRICT,
    at TEXT NOT NULL,
    user_id INTEGER REFERENCES app_user ON DELETE SET NULL,
    user_email TEXT,
    origin TEXT NOT NULL CHECK (origin IN ('ui', 'cli', 'cron', 'job', 'api')),
    entity TEXT NOT NULL,
    entity_id INTEGER,
    entity_label TEXT,
    action TEXT NOT NULL,
    reason TEXT,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entry_entity ON audit_entry (tenant_id, entity, entity_id, id);
CREATE INDEX audit_entry_at ON audit_entry (tenant_id, at, id);
CREATE INDEX audit_entry_user ON audit_entry (tenant_id, user_id, id);

-- Append-only. The one update allowed is the foreign key's own ON DELETE SET
-- NULL of user_id when an operator is removed (user_email keeps who it was).
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
WHEN NOT (new.user_id IS NULL AND old.user_id IS NOT NULL
          AND new.id IS old.id AND new.tenant_id IS old.tenant_id AND new.at IS old.at
          AND new.user_email IS old.user_email AND new.origin IS old.origin
          AND new.entity IS old.entity AND new.entity_id IS old.entity_id
          AND new.entity_label IS old.entity_label AND new.action IS old.action
          AND new.reason IS old.reason AND new.before_json IS old.before_json
          AND new.after_json IS old.after_json AND new.prev_hash IS old.prev_hash
          AND new.hash IS old.hash)
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

-- ---------------------------------------------------------------- customer caches

-- monthly_bill and active_subs from the customer's active subscriptions.
CREATE TRIGGER subscription_cache_insert AFTER INSERT ON subscription BEGIN
    UPDATE customer
       SET monthly_bill = (SELECT coalesce(sum(m.monthly_price), 0) FROM subscription_monthly m
                            WHERE m.customer_id = new.customer_id AND m.status = 'active'),
           active_subs = (SELECT count(*) FROM subscription s
                           WHERE s.customer_id = new.customer_id AND s.status = 'active')
     WHERE id = new.customer_id;
END;

CREATE TRIGGER subscription_cache_delete AFTER DELETE ON subscription BEGIN
    UPDATE customer
       SET monthly_bill = (SELECT coalesce(sum(m.monthly_price), 0) FROM subscription_monthly m
                            WHERE m.customer_id = old.customer_id AND m.status = 'active'),
           active_subs = (SELECT count(*) FROM subscription s
                           WHERE s.customer_id = old.customer_id AND s.status = 'active')
     WHERE id = old.customer_id;
END;

CREATE TRIGGER subscription_cache_update AFTER UPDATE OF status, price, plan_id, customer_id ON subscription
BEGIN
    UPDATE customer
       SET monthly_bill = (SELECT coalesce(sum(m.monthly_price), 0) FROM subscription_monthly m
                            WHERE m.customer_id = customer.id AND m.status = 'active'),
           active_subs = (SELECT count(*) FROM subscription s
                           WHERE s.customer_id = customer.id AND s.status = 'active')
     WHERE id IN (old.customer_id, new.customer_id);
END;

CREATE TRIGGER plan_cache_update AFTER UPDATE OF price, billing_cycle ON plan BEGIN
    UPDATE customer
       SET monthly_bill = (SELECT coalesce(sum(m.monthly_price), 0) FROM subscription_monthly m
                            WHERE m.customer_id = customer.id AND m.status = 'active')
     WHERE id IN (SELECT s.customer_id FROM subscription s
                   WHERE s.plan_id = new.id AND s.status = 'active');
END;

-- balance = what is due on issued, partially paid and overdue invoices - credit.
CREATE TRIGGER invoice_cache_insert AFTER INSERT ON invoice BEGIN
    UPDATE customer
       SET balance = (SELECT coalesce(sum(i.total - i.paid), 0) FROM invoice i
                       WHERE i.customer_id = new.customer_id
                         AND i.status IN ('issued', 'partially_paid', 'overdue')) - credit
     WHERE id = new.customer_id;
END;

CREATE TRIGGER invoice_cache_delete AFTER DELETE ON invoice BEGIN
    UPDATE customer
       SET balance = (SELECT coalesce(sum(i.total - i.paid), 0) FROM invoice i
                       WHERE i.customer_id = old.customer_id
                         AND i.status IN ('issued', 'partially_paid', 'overdue')) - credit
     WHERE id = old.customer_id;
END;

CREATE TRIGGER invoice_cache_update AFTER UPDATE OF total, paid, status, customer_id ON invoice BEGIN
    UPDATE customer
       SET balance = (SELECT coalesce(sum(i.total - i.paid), 0) FROM invoice i
                       WHERE i.customer_id = customer.id
                         AND i.status IN ('issued', 'partially_paid', 'overdue')) - credit
     WHERE id IN (old.customer_id, new.customer_id);
END;

CREATE TRIGGER customer_credit_insert AFTER INSERT ON customer WHEN new.credit <> 0 BEGIN
    UPDATE customer SET balance = -new.credit WHERE id = new.id;
END;

CREATE TRIGGER customer_credit_update AFTER UPDATE OF credit ON customer BEGIN
    UPDATE customer
       SET balance = (SELECT coalesce(sum(i.total - i.paid), 0) FROM invoice i
                       WHERE i.customer_id = new.id
                         AND i.status IN ('issued', 'partially_paid', 'overdue')) - new.credit
     WHERE id = new.id;
END;
