-- ICD-11 MMS: chapters, blocks, categories, extension codes.
SELECT 1;
