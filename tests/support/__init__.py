"""Test helpers shared across the test packages: hand-written oracles and small builders."""
