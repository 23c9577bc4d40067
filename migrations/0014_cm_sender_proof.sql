-- A CM.com number is proven to belong to its credentials before it is claimed (#17 item 10). CM.com lists no
-- senders, so the proof is a one-time code sent from the number with the connection's own credentials to a phone
-- the admin holds (src/services/connection-proof.ts). Until then the row is pending: it can't send, and it holds a
-- per-installation routing key (`<from>#pending:<installation>`) so it locks nobody out.
ALTER TABLE connections ADD COLUMN verified_at INTEGER;
ALTER TABLE connections ADD COLUMN proof_code_hash TEXT;
ALTER TABLE connections ADD COLUMN proof_expires_at INTEGER;
ALTER TABLE connections ADD COLUMN proof_attempts INTEGER NOT NULL DEFAULT 0;
-- Every number connected before this change keeps working: it counts as proven since it was created.
UPDATE connections SET verified_at = created_at;
