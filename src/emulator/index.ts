// Surface of src/emulator/ for other folders (DESIGN.md §3). Filled in by the issue that builds it.
export {};
