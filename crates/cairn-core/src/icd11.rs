//! icd11 (issue 4; being written).
