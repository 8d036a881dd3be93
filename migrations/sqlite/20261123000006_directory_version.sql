-- A number that changes whenever anything the public HSDS API shows
-- changes, so that answers kept in memory can be trusted until then. It is
-- kept by triggers rather than by the code that writes, so no write path
-- (the pages, the API, an import from another process) can forget it.

CREATE TABLE directory_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO directory_version (id, generation) VALUES (1, 1);

CREATE TRIGGER directory_organizations_insert_bumps AFTER INSERT ON directory_organizations
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER directory_organizations_update_bumps AFTER UPDATE ON directory_organizations
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER directory_organizations_delete_bumps AFTER DELETE ON directory_organizations
BEGIN UPDATE directory_version SET generation = generation + 1; END;

CREATE TRIGGER taxonomies_insert_bumps AFTER INSERT ON taxonomies
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER taxonomies_update_bumps AFTER UPDATE ON taxonomies
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER taxonomies_delete_bumps AFTER DELETE ON taxonomies
BEGIN UPDATE directory_version SET generation = generation + 1; END;

CREATE TRIGGER taxonomy_terms_insert_bumps AFTER INSERT ON taxonomy_terms
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER taxonomy_terms_update_bumps AFTER UPDATE ON taxonomy_terms
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER taxonomy_terms_delete_bumps AFTER DELETE ON taxonomy_terms
BEGIN UPDATE directory_version SET generation = generation + 1; END;

CREATE TRIGGER services_insert_bumps AFTER INSERT ON services
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER services_update_bumps AFTER UPDATE ON services
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER services_delete_bumps AFTER DELETE ON services
BEGIN UPDATE directory_version SET generation = generation + 1; END;

CREATE TRIGGER service_terms_insert_bumps AFTER INSERT ON service_terms
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER service_terms_update_bumps AFTER UPDATE ON service_terms
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER service_terms_delete_bumps AFTER DELETE ON service_terms
BEGIN UPDATE directory_version SET generation = generation + 1; END;

CREATE TRIGGER service_locations_insert_bumps AFTER INSERT ON service_locations
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER service_locations_update_bumps AFTER UPDATE ON service_locations
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER service_locations_delete_bumps AFTER DELETE ON service_locations
BEGIN UPDATE directory_version SET generation = generation + 1; END;

CREATE TRIGGER postcodes_insert_bumps AFTER INSERT ON postcodes
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER postcodes_update_bumps AFTER UPDATE ON postcodes
BEGIN UPDATE directory_version SET generation = generation + 1; END;
CREATE TRIGGER postcodes_delete_bumps AFTER DELETE ON postcodes
BEGIN UPDATE directory_version SET generation = generation + 1; END;
