-- Art. 14.19: the language the customer reads its notices in, learned from the contracts events.
ALTER TABLE notification.contacts ADD COLUMN language TEXT NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en'));
