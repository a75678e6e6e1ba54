//! criteria rules (issue 5; being written).
