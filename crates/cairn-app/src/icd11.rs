//! ICD-11 MMS: import of WHO's simple tabulation, lookup, search and code validation.
