-- The audit log's one allowed change (an erasure's pseudonymisation) was
-- written before events named the API token that acted; the token is now
-- held unchanged like every other column.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.id = OLD.id
        AND NEW.occurred_at = OLD.occurred_at
        AND NEW.actor_account_id IS NOT DISTINCT FROM OLD.actor_account_id
        AND NEW.actor_token_id IS NOT DISTINCT FROM OLD.actor_token_id
        AND NEW.action = OLD.action
        AND NEW.subject_kind IS NOT DISTINCT FROM OLD.subject_kind
        AND NEW.subject_id IS NOT DISTINCT FROM OLD.subject_id
        AND (NEW.ip IS NOT DISTINCT FROM OLD.ip OR NEW.ip IS NULL)
        AND (
            NEW.detail = OLD.detail
            OR NEW.detail = ''
            OR EXISTS (SELECT 1 FROM erasures e WHERE position(e.pseudonym IN NEW.detail) > 0)
        )
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: only an erasure may pseudonymise a row';
END;
$$ LANGUAGE plpgsql;
