/** A chart legend with each series' total for the range. */
export function Legend({ items }: { items: ReadonlyArray<{ key: string; label: string; color: string; value: string }> }) {
  return (
    <ul class="legend">
      {items.map((item) => (
        <li key={item.key} data-key={item.key}>
          <span class="swatch" style={{ background: item.color }} />
          {item.label} <strong>{item.value}</strong>
        </li>
      ))}
    </ul>
  );
}
