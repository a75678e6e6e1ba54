//! Stacks: achievements awarded when the learner holds others.
