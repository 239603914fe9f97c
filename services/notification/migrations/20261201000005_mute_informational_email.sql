-- Art. 14.18, 14.19: a customer may take informational notices in the application only;
-- critical notices always go by e-mail. Set by the customer, never by the contracts events.
ALTER TABLE notification.contacts ADD COLUMN mute_informational_email BOOLEAN NOT NULL DEFAULT false;
