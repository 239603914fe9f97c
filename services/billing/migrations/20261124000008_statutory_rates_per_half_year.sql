-- A statutory rate holds for one half year; interest is never computed with a stale rate. The
-- 8.00 % that held from 2020 through 2022 becomes one row per half year.
INSERT INTO billing.statutory_rates (valid_from, basis_points) VALUES
    ('2020-07-01', 800), ('2021-01-01', 800), ('2021-07-01', 800), ('2022-01-01', 800), ('2022-07-01', 800)
ON CONFLICT (valid_from) DO NOTHING;
