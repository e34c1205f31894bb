export const baselineActivities = {
  async noop(step: number): Promise<number> {
    return step;
  },
};

export type BaselineActivities = typeof baselineActivities;
