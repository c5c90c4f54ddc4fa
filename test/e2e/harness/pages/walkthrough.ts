/** A walkthrough as the getting-started editor draws it: its steps, their buttons and checkboxes. */
import type { Locator, Page } from 'playwright-core';
import { WALKTHROUGH } from '../selectors';
import { waitUntil } from '../wait';

/** Waits until the walkthrough titled TITLE is shown. */
export async function walkthroughShown(page: Page, title: string, timeout = 20_000): Promise<void> {
  await page.locator(WALKTHROUGH.title).filter({ hasText: title }).first().waitFor({ state: 'visible', timeout });
}

/** The step STEPID (`<publisher>.<name>#<walkthrough>#<step>`) of the walkthrough shown. */
export function walkthroughStep(page: Page, stepId: string): Locator {
  return page.locator(WALKTHROUGH.step(stepId));
}

/** The titles of the walkthrough's steps, in order. */
export async function walkthroughStepTitles(page: Page): Promise<string[]> {
  const titles = page.locator(`button.getting-started-step ${WALKTHROUGH.stepTitle}`);
  return (await titles.allTextContents()).map((t) => t.trim());
}

/** Whether STEP's checkbox is ticked. */
export async function stepChecked(step: Locator): Promise<boolean> {
  return (await step.locator(WALKTHROUGH.stepCheckbox).getAttribute('aria-checked')) === 'true';
}

/** Expands STEP (a click on its title) until its buttons show; returns the button labelled LABEL. */
export async function stepButton(step: Locator, label: string): Promise<Locator> {
  const button = step.locator(WALKTHROUGH.stepButton).filter({ hasText: label });
  await waitUntil(
    `the step's button "${label}" shows`,
    async () => {
      if (await button.isVisible()) return true;
      if ((await step.getAttribute('aria-expanded')) !== 'true') await step.locator(WALKTHROUGH.stepTitle).click();
      return false;
    },
    10_000,
  );
  return button;
}
