import type { Indicator, ScaleLevel } from '../../types';

interface Props {
  indicator: Indicator;
  scale: ScaleLevel[];
  value: number | undefined;
  onPick?: (level: number) => void;
}

/** One indicator: a large button per level; the chosen level's descriptor shows right under it. */
export function ScoreRow({ indicator, scale, value, onPick }: Props) {
  const label = scale.find((s) => s.level === value)?.label;
  const descriptor = value !== undefined ? indicator.descriptors[String(value)] : undefined;
  return (
    <fieldset class="indicator" data-testid="indicator" data-key={indicator.key}>
      <legend>{indicator.title}</legend>
      <div class="levels">
        {scale.map((s) => (
          <button key={s.level} type="button" class="level" aria-pressed={value === s.level} disabled={!onPick}
            onClick={() => onPick?.(s.level)}>
            <span class="sr">{indicator.title}: </span>
            <span class="n">{s.level}</span>{' '}
            <span class="l">{s.label}</span>
          </button>
        ))}
      </div>
      <p class="descriptor" aria-live="polite">
        {value !== undefined ? <><strong>{label}:</strong> {descriptor ?? ''}</> : 'Tap a level to score it and read its descriptor.'}
      </p>
    </fieldset>
  );
}
