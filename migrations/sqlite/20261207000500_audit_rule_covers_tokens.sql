-- The audit log's one allowed change (an erasure's pseudonymisation) was
-- written before events named the API token that acted; the token is now
-- held unchanged like every other column.
DROP TRIGGER audit_events_only_pseudonymised;
CREATE TRIGGER audit_events_only_pseudonymised BEFORE UPDATE ON audit_events
WHEN NOT (
    NEW.id = OLD.id
    AND NEW.occurred_at = OLD.occurred_at
    AND NEW.actor_account_id IS OLD.actor_account_id
    AND NEW.actor_token_id IS OLD.actor_token_id
    AND NEW.action = OLD.action
    AND NEW.subject_kind IS OLD.subject_kind
    AND NEW.subject_id IS OLD.subject_id
    AND (NEW.ip IS OLD.ip OR NEW.ip IS NULL)
    AND (
        NEW.detail = OLD.detail
        OR NEW.detail = ''
        OR EXISTS (SELECT 1 FROM erasures e WHERE instr(NEW.detail, e.pseudonym) > 0)
    )
)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: only an erasure may pseudonymise a row');
END;
