-- Notification's own copy of every customer's primary contact (art. 14.19, 14.20), learned
-- from the contracts events; notification never reads the contracts schema.
CREATE TABLE notification.contacts (
    customer_id           UUID        PRIMARY KEY,
    customer_name         TEXT        NOT NULL,
    primary_contact_email TEXT        NOT NULL,
    -- When the contracts service made the change (ce-time): later changes win, whatever
    -- order events arrive in.
    changed_at            TIMESTAMPTZ NOT NULL,
    source_event_id       UUID        NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
