export function LogsView() {
  return <h1>LogsView</h1>;
}
