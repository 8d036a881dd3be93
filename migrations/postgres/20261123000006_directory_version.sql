-- A number that changes whenever anything the public HSDS API shows
-- changes, so that answers kept in memory can be trusted until then. It is
-- kept by triggers rather than by the code that writes, so no write path
-- (the pages, the API, an import from another process) can forget it.
-- It moves once per transaction, not once per statement: updating one row
-- again and again in a single transaction leaves PostgreSQL a chain of row
-- versions to walk on every update, so an import of 10,000 services would
-- slow to a crawl. The first write of a transaction stamps its id; later
-- writes in it find the stamp and change nothing.

CREATE TABLE directory_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL,
    moved_by_transaction BIGINT
);
INSERT INTO directory_version (id, generation) VALUES (1, 1);

CREATE FUNCTION bump_directory_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE directory_version
       SET generation = generation + 1, moved_by_transaction = txid_current()
     WHERE id = 1 AND moved_by_transaction IS DISTINCT FROM txid_current();
    RETURN NULL;
END;
$$;

CREATE TRIGGER directory_organizations_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON directory_organizations FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER taxonomies_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON taxonomies FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER taxonomy_terms_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON taxonomy_terms FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER services_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON services FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER service_terms_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON service_terms FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER service_locations_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON service_locations FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER postcodes_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON postcodes FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
