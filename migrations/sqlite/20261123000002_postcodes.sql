-- The postcode directory the operator imports (NRS Scottish Postcode
-- Directory or the ONS Postcode Directory), for turning a postcode into a
-- place and into the statistical areas it lies in. Area codes are GSS codes
-- and may be missing where the source file has none.
CREATE TABLE postcodes (
    postcode TEXT PRIMARY KEY,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    data_zone TEXT,
    council_area TEXT,
    electoral_ward TEXT,
    health_board TEXT,
    imported_at INTEGER NOT NULL
);
-- Radius searches narrow by a latitude band first.
CREATE INDEX postcodes_by_latitude ON postcodes (latitude, longitude);
