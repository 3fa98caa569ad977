"""NHS Digital's published Payments to General Practice, imported as an upload set for an area."""
