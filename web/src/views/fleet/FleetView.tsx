export function FleetView() {
  return <h1>FleetView</h1>;
}
