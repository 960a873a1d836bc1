"""The reform office's half of the seed: the six "in place" checks per unit (S15), spot checks and
deductions (S16), the self-inspection report with attachments 1, 2, 3 and 5 (S17), the reform
timetable (S18), undetermined items (S2(5)) and plans for missing lead sections (S1)."""
