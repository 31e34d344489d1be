/**
 * A small bar chart in SVG, with the same numbers in a visually hidden table for screen readers.
 */
export function BarChart({
  data,
  label,
  valueLabel,
}: {
  data: { key: string; label: string; value: number }[];
  label: string;
  valueLabel: (value: number) => string;
}) {
  const max = Math.max(1, ...data.map((point) => point.value));
  const barWidth = 100 / Math.max(1, data.length);
  return (
    <figure>
      <svg
        viewBox="0 0 100 40"
        preserveAspectRatio="none"
        className="h-32 w-full"
        aria-hidden="true"
      >
        {data.map((point, index) => {
          const height = (point.value / max) * 38;
          return (
            <rect
              key={point.key}
              x={index * barWidth + barWidth * 0.15}
              y={40 - height}
              width={barWidth * 0.7}
              height={Math.max(height, point.value > 0 ? 0.8 : 0.3)}
              rx={0.6}
              className={point.value > 0 ? "fill-brand-600" : "fill-zinc-200"}
            >
              <title>{`${point.label}: ${valueLabel(point.value)}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="mt-1 flex justify-between text-xs text-zinc-500">
        <span>{data[0]?.label}</span>
        <span>{data.at(-1)?.label}</span>
      </figcaption>
      <table className="sr-only">
        <caption>{label}</caption>
        <tbody>
          {data.map((point) => (
            <tr key={point.key}>
              <th scope="row">{point.label}</th>
              <td>{valueLabel(point.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
