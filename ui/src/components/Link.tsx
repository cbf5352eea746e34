// An <a> that navigates inside the app without reloading; modified clicks (new tab) still work.
import type { ComponentChildren, JSX } from 'preact';
import { href, navigate } from '../router';

export function Link(props: {
  to: string;
  class?: string;
  children: ComponentChildren;
  title?: string;
  testId?: string;
}) {
  const onClick = (e: JSX.TargetedMouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.to);
  };
  return (
    <a href={href(props.to)} class={props.class} onClick={onClick} title={props.title} data-testid={props.testId}>
      {props.children}
    </a>
  );
}
