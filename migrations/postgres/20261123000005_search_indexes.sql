-- Indexes for the asset map at national scale (100,000 services).

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
