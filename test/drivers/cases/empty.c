// A helper file with no driver facts.
static inline int add(int a, int b)
{
	return a + b;
}
