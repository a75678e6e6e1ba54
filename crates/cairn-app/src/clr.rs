//! CLR 2.0: a learner's achievements in one signed ClrCredential.
