-- Competency frameworks (CASE): frameworks, competencies, proficiency scales, associations.
SELECT 1;
