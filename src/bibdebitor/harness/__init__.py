"""The dev and test harness: starting bibdebitor's processes on free ports and generating a
municipality's patrons and claims, for the demo, the tests and the benchmarks. Production code
never imports it (docs/architecture.md; checked by the import contract in ``make lint``)."""
