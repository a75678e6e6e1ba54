-- Micro-learning modules, versions, lessons, progress, and the catalog search index.
SELECT 1;
