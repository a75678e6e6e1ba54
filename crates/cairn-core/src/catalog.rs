//! catalog (issue 4; being written).
