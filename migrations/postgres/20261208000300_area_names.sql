-- The names of the statistical and administrative areas (data zones,
-- council areas, electoral wards, health boards) by GSS code, so pages can
-- say "Ardnaveen Harbour" where the directory holds S01099001. Filled by
-- `coprod import postcodes` and `coprod import simd` from name columns
-- beside the codes; a code without a row here is shown as the code.
CREATE TABLE area_names (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);
