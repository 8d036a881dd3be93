-- Indexes for the asset map at national scale (100,000 services).

-- Where each service's words are in services_fts. service_id is UNINDEXED
-- there, so replacing or removing one service's words used to read the
-- whole word index; an import of many services slowed quadratically. The
-- INTEGER PRIMARY KEY keeps these rowids stable through VACUUM.
CREATE TABLE services_fts_rows (
    row_id INTEGER PRIMARY KEY,
    service_id TEXT NOT NULL UNIQUE
);
INSERT INTO services_fts_rows (row_id, service_id)
    SELECT MIN(rowid), service_id FROM services_fts GROUP BY service_id;
-- Any second row for one service (there should be none) would otherwise
-- be left behind, unreachable.
DELETE FROM services_fts WHERE rowid NOT IN (SELECT row_id FROM services_fts_rows);

-- Lists in name order read the first page from the index instead of
-- sorting every service.
CREATE INDEX services_by_name ON services (name, id);

-- A radius search reads everything it needs from these two indexes
-- rather than the rows: from the place when nothing else narrows the
-- services (grouped in this order, place by place), and from the service
-- when words or a category do. They serve every query the indexes they
-- replace did.
CREATE INDEX service_locations_by_place_covering
    ON service_locations (latitude, longitude, location_id, service_id, service_at_location_id);
DROP INDEX service_locations_by_place;
CREATE INDEX service_locations_by_service_covering
    ON service_locations (service_id, latitude, longitude, location_id, service_at_location_id);
DROP INDEX service_locations_by_service;
-- Then the services at the places a page reaches into.
CREATE INDEX service_locations_by_location ON service_locations (location_id);
