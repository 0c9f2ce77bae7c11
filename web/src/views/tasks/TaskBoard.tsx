export function TaskBoard() {
  return <h1>TaskBoard</h1>;
}
