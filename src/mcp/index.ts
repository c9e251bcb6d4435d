// Surface of src/mcp/ for other folders (DESIGN.md §3). Filled in by the issue that builds it.
export {};
