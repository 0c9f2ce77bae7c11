export function AgentPage({ id }: { id: string }) {
  return <h1>Agent {id}</h1>;
}
